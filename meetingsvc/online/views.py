from flask import Blueprint

bp = Blueprint("online", __name__, url_prefix="/online")
