from meetingsvc import create_app

app = create_app()
