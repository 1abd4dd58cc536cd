"""Seed data: Hanoi's units before and after the 2025 reorganisation, demo leaders, department heads and rooms.

Sources are listed in shared/domain.md §4 and §9. What is certain and what is recalled:
- the 30 district-level units and their GSO codes (Hanoi = 01) are from the domain brief [S/R];
- the 21 departments before 01/03/2025 and the merges into 15 on 01/03/2025 follow the 25/02/2025 announcement [S];
- the 126 commune-level units from 01/07/2025 (51 phường, 75 xã, Resolution 1656/NQ-UBTVQH15) are written from
  memory of the published list [R]; their official 5-digit codes (Decision 19/2025/QĐ-TTg) were not verified,
  so they carry local codes HN-P01…HN-P51 and HN-X01…HN-X75 that an admin can change;
- the successor links (old district -> new communes, old wards -> new wards) name the main territories only [R].
Every loader is idempotent by code (units) or by e-mail/name (people, rooms) and returns counts.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from meetingsvc.directory import services
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db

CITY = ("01", "Thành phố Hà Nội", "TP Hà Nội")
MERGE_DAY = date(2025, 3, 1)
DISTRICTS_END = date(2025, 6, 30)
COMMUNES_START = date(2025, 7, 1)

# code, name, short name; valid until 28/02/2025 when the code is a key of DEPARTMENT_MERGES' predecessors.
DEPARTMENTS_BEFORE = [
    ("VP-UBND", "Văn phòng UBND Thành phố", "VP UBND TP", "office"),
    ("SO-NV", "Sở Nội vụ", "SNV", "department"),
    ("SO-TP", "Sở Tư pháp", "STP", "department"),
    ("SO-KHDT", "Sở Kế hoạch và Đầu tư", "SKHĐT", "department"),
    ("SO-TC", "Sở Tài chính", "STC", "department"),
    ("SO-CT", "Sở Công Thương", "SCT", "department"),
    ("SO-NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "SNN&PTNT", "department"),
    ("SO-GTVT", "Sở Giao thông vận tải", "SGTVT", "department"),
    ("SO-XD", "Sở Xây dựng", "SXD", "department"),
    ("SO-TNMT", "Sở Tài nguyên và Môi trường", "STN&MT", "department"),
    ("SO-TTTT", "Sở Thông tin và Truyền thông", "STT&TT", "department"),
    ("SO-LDTBXH", "Sở Lao động - Thương binh và Xã hội", "SLĐTB&XH", "department"),
    ("SO-VHTT", "Sở Văn hóa và Thể thao", "SVH&TT", "department"),
    ("SO-DL", "Sở Du lịch", "SDL", "department"),
    ("SO-KHCN", "Sở Khoa học và Công nghệ", "SKH&CN", "department"),
    ("SO-GDDT", "Sở Giáo dục và Đào tạo", "SGD&ĐT", "department"),
    ("SO-YT", "Sở Y tế", "SYT", "department"),
    ("SO-NGV", "Sở Ngoại vụ", "SNgV", "department"),
    ("SO-QHKT", "Sở Quy hoạch - Kiến trúc", "SQH-KT", "department"),
    ("TTR-TP", "Thanh tra Thành phố", "TTTP", "department"),
    ("BAN-DT", "Ban Dân tộc", "BDT", "department"),
]
# new unit (from 01/03/2025) -> the units merged into it (which end on 28/02/2025)
DEPARTMENT_MERGES = {
    ("SO-TC-2025", "Sở Tài chính", "STC"): ["SO-TC", "SO-KHDT"],
    ("SO-NNMT", "Sở Nông nghiệp và Môi trường", "SNN&MT"): ["SO-NNPTNT", "SO-TNMT"],
    ("SO-KHCN-2025", "Sở Khoa học và Công nghệ", "SKH&CN"): ["SO-KHCN", "SO-TTTT"],
    ("SO-NV-2025", "Sở Nội vụ", "SNV"): ["SO-NV", "SO-LDTBXH"],
    ("SO-XD-2025", "Sở Xây dựng", "SXD"): ["SO-XD", "SO-GTVT"],
    ("SO-DTTG", "Sở Dân tộc và Tôn giáo", "SDT&TG"): ["BAN-DT"],
}
# folded into an existing unit that goes on
DEPARTMENT_FOLDS = {"SO-NGV": "VP-UBND"}

DISTRICTS = [
    ("001", "Quận Ba Đình"), ("002", "Quận Hoàn Kiếm"), ("003", "Quận Tây Hồ"), ("004", "Quận Long Biên"),
    ("005", "Quận Cầu Giấy"), ("006", "Quận Đống Đa"), ("007", "Quận Hai Bà Trưng"), ("008", "Quận Hoàng Mai"),
    ("009", "Quận Thanh Xuân"), ("016", "Huyện Sóc Sơn"), ("017", "Huyện Đông Anh"), ("018", "Huyện Gia Lâm"),
    ("019", "Quận Nam Từ Liêm"), ("020", "Huyện Thanh Trì"), ("021", "Quận Bắc Từ Liêm"), ("250", "Huyện Mê Linh"),
    ("268", "Quận Hà Đông"), ("269", "Thị xã Sơn Tây"), ("271", "Huyện Ba Vì"), ("272", "Huyện Phúc Thọ"),
    ("273", "Huyện Đan Phượng"), ("274", "Huyện Hoài Đức"), ("275", "Huyện Quốc Oai"), ("276", "Huyện Thạch Thất"),
    ("277", "Huyện Chương Mỹ"), ("278", "Huyện Thanh Oai"), ("279", "Huyện Thường Tín"), ("280", "Huyện Phú Xuyên"),
    ("281", "Huyện Ứng Hòa"), ("282", "Huyện Mỹ Đức"),
]

# The current commune-level units, grouped by the former district that most of their territory came from.
PHUONG = {
    "002": ["Hoàn Kiếm", "Cửa Nam", "Hồng Hà"],
    "001": ["Ba Đình", "Ngọc Hà", "Giảng Võ"],
    "007": ["Hai Bà Trưng", "Vĩnh Tuy", "Bạch Mai"],
    "006": ["Đống Đa", "Kim Liên", "Văn Miếu - Quốc Tử Giám", "Láng", "Ô Chợ Dừa"],
    "008": ["Hoàng Mai", "Lĩnh Nam", "Vĩnh Hưng", "Tương Mai", "Định Công", "Hoàng Liệt", "Yên Sở"],
    "009": ["Thanh Xuân", "Khương Đình", "Phương Liệt"],
    "005": ["Cầu Giấy", "Nghĩa Đô", "Yên Hòa"],
    "003": ["Tây Hồ", "Phú Thượng"],
    "021": ["Tây Tựu", "Phú Diễn", "Xuân Đỉnh", "Đông Ngạc", "Thượng Cát"],
    "019": ["Từ Liêm", "Xuân Phương", "Tây Mỗ", "Đại Mỗ"],
    "004": ["Long Biên", "Bồ Đề", "Việt Hưng", "Phúc Lợi"],
    "268": ["Hà Đông", "Dương Nội", "Yên Nghĩa", "Phú Lương", "Kiến Hưng"],
    "020": ["Thanh Liệt"],
    "277": ["Chương Mỹ"],
    "269": ["Sơn Tây", "Tùng Thiện"],
}
XA = {
    "016": ["Sóc Sơn", "Đa Phúc", "Nội Bài", "Trung Giã", "Kim Anh"],
    "017": ["Đông Anh", "Thư Lâm", "Vĩnh Thanh", "Phúc Thịnh", "Thiên Lộc"],
    "250": ["Mê Linh", "Yên Lãng", "Tiến Thắng", "Quang Minh"],
    "018": ["Gia Lâm", "Thuận An", "Bát Tràng", "Phù Đổng"],
    "020": ["Thanh Trì", "Đại Thanh", "Nam Phù", "Ngọc Hồi"],
    "271": ["Ba Vì", "Vật Lại", "Suối Hai", "Cổ Đô", "Bất Bạt", "Minh Châu", "Quảng Oai", "Yên Bài"],
    "272": ["Phúc Thọ", "Phúc Lộc", "Hát Môn"],
    "273": ["Đan Phượng", "Liên Minh", "Ô Diên"],
    "274": ["Hoài Đức", "Dương Hòa", "Sơn Đồng", "An Khánh"],
    "275": ["Quốc Oai", "Kiều Phú", "Hưng Đạo", "Phú Cát"],
    "276": ["Thạch Thất", "Hạ Bằng", "Tây Phương", "Hòa Lạc", "Yên Xuân"],
    "277": ["Xuân Mai", "Phú Nghĩa", "Trần Phú", "Hòa Phú", "Quảng Bị"],
    "278": ["Thanh Oai", "Bình Minh", "Tam Hưng", "Dân Hòa"],
    "279": ["Thường Tín", "Hồng Vân", "Thượng Phúc", "Chương Dương"],
    "280": ["Phú Xuyên", "Phượng Dực", "Chuyên Mỹ", "Đại Xuyên"],
    "281": ["Vân Đình", "Ứng Thiên", "Hòa Xá", "Ứng Hòa"],
    "282": ["Mỹ Đức", "Hồng Sơn", "Phúc Sơn", "Hương Sơn"],
    "269": ["Đoài Phương"],
}
# New wards that also took territory from a second former district.
EXTRA_DISTRICT_SUCCESSORS = {"003": ["Hồng Hà"], "020": ["Hoàng Liệt", "Yên Sở"], "009": ["Thanh Liệt"]}

# A few former wards (GSO codes) with the new ward(s) they went into.
OLD_WARDS = {
    "001": [
        ("00001", "Phường Phúc Xá", ["Hồng Hà"]), ("00004", "Phường Trúc Bạch", ["Ba Đình"]),
        ("00006", "Phường Vĩnh Phúc", ["Ngọc Hà"]), ("00007", "Phường Cống Vị", ["Ngọc Hà"]),
        ("00008", "Phường Liễu Giai", ["Ngọc Hà"]), ("00010", "Phường Nguyễn Trung Trực", ["Ba Đình"]),
        ("00013", "Phường Quán Thánh", ["Ba Đình"]), ("00016", "Phường Ngọc Hà", ["Ngọc Hà"]),
        ("00019", "Phường Điện Biên", ["Ba Đình"]), ("00022", "Phường Đội Cấn", ["Ba Đình", "Ngọc Hà"]),
        ("00025", "Phường Ngọc Khánh", ["Giảng Võ"]), ("00028", "Phường Kim Mã", ["Giảng Võ", "Ngọc Hà"]),
        ("00031", "Phường Giảng Võ", ["Giảng Võ"]), ("00034", "Phường Thành Công", ["Giảng Võ"]),
    ],
    "002": [
        ("00037", "Phường Phúc Tân", ["Hồng Hà"]), ("00040", "Phường Đồng Xuân", ["Hoàn Kiếm"]),
        ("00043", "Phường Hàng Mã", ["Hoàn Kiếm"]), ("00046", "Phường Hàng Buồm", ["Hoàn Kiếm"]),
        ("00049", "Phường Hàng Đào", ["Hoàn Kiếm"]), ("00052", "Phường Hàng Bồ", ["Hoàn Kiếm"]),
        ("00055", "Phường Cửa Đông", ["Hoàn Kiếm"]), ("00058", "Phường Lý Thái Tổ", ["Hoàn Kiếm"]),
        ("00061", "Phường Hàng Bạc", ["Hoàn Kiếm"]), ("00064", "Phường Hàng Gai", ["Hoàn Kiếm"]),
        ("00067", "Phường Chương Dương", ["Hồng Hà"]), ("00070", "Phường Hàng Trống", ["Hoàn Kiếm"]),
        ("00073", "Phường Cửa Nam", ["Cửa Nam"]), ("00076", "Phường Hàng Bông", ["Cửa Nam"]),
        ("00079", "Phường Tràng Tiền", ["Hoàn Kiếm", "Cửa Nam"]), ("00082", "Phường Trần Hưng Đạo", ["Cửa Nam"]),
        ("00085", "Phường Phan Chu Trinh", ["Cửa Nam"]), ("00088", "Phường Hàng Bài", ["Cửa Nam"]),
    ],
}


DISTRICT_PREFIXES = ("Thị xã ", "Quận ", "Huyện ")


def district_short_name(name: str) -> str | None:
    """'Ba Đình' for Quận Ba Đình, 'Sơn Tây' for Thị xã Sơn Tây (the kind word may be two words)."""
    for prefix in DISTRICT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def commune_specs() -> list[dict]:
    """The 126 units from 01/07/2025: code, name, kind and the former district(s) they came from."""
    specs = []
    for prefix, kind, table, label in (("HN-P", "ward", PHUONG, "Phường"), ("HN-X", "commune", XA, "Xã")):
        number = 0
        for district, names in table.items():
            for name in names:
                number += 1
                specs.append({"code": f"{prefix}{number:02d}", "name": f"{label} {name}", "short": name,
                              "kind": kind, "from": [district], "sort": number})
    by_short = {(s["kind"], s["short"]): s for s in specs}
    for district, names in EXTRA_DISTRICT_SUCCESSORS.items():
        for name in names:
            by_short[("ward", name)]["from"].append(district)
    return specs


def _upsert(by_code: dict, code: str, values: dict) -> tuple[Unit, bool]:
    """Create the unit, or bring an existing one to these values (audited only when something changed)."""
    unit = by_code.get(code)
    if unit is None:
        unit = services.create_unit({"code": code, **values})
        by_code[code] = unit
        return unit, True
    services.update_unit(unit, values)
    return unit, False


def load_hanoi_units() -> dict:
    """Create or refresh the City, its departments (before/after 01/03/2025), the 30 former district-level units
    (until 30/06/2025) with some of their wards, and the 126 current commune-level units, with successor links.
    Idempotent by code; commits; returns {"created": n, "total": n}.
    """
    by_code = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    created = 0

    def put(code, **values):
        nonlocal created
        unit, new = _upsert(by_code, code, values)
        created += new
        return unit

    city = put(CITY[0], name=CITY[1], short_name=CITY[2], kind="city", sort_order=0)
    merged_away = {c for olds in DEPARTMENT_MERGES.values() for c in olds} | set(DEPARTMENT_FOLDS)
    for order, (code, name, short, kind) in enumerate(DEPARTMENTS_BEFORE, start=1):
        put(code, name=name, short_name=short, kind=kind, parent_id=city.id, sort_order=order * 10,
            valid_to=(MERGE_DAY - timedelta(days=1) if code in merged_away else None))
    for order, ((code, name, short), olds) in enumerate(DEPARTMENT_MERGES.items(), start=1):
        new = put(code, name=name, short_name=short, kind="department", parent_id=city.id,
                  valid_from=MERGE_DAY, sort_order=order * 10 + 5)
        for old in olds:
            services.update_unit(by_code[old], {"successor_ids": [new.id]})
    for old, into in DEPARTMENT_FOLDS.items():
        services.update_unit(by_code[old], {"successor_ids": [by_code[into].id]})

    communes = commune_specs()
    for order, (code, name) in enumerate(DISTRICTS, start=1):
        put(code, name=name, short_name=district_short_name(name), kind="district",
            parent_id=city.id, valid_to=DISTRICTS_END, sort_order=500 + order)
    for spec in communes:
        put(spec["code"], name=spec["name"], short_name=spec["short"], kind=spec["kind"], parent_id=city.id,
            valid_from=COMMUNES_START, sort_order=(1000 if spec["kind"] == "ward" else 2000) + spec["sort"])
    new_by_name = {spec["short"]: by_code[spec["code"]] for spec in communes if spec["kind"] == "ward"}
    for code, _name in DISTRICTS:
        successors = [by_code[s["code"]] for s in communes if code in s["from"]]
        services.update_unit(by_code[code], {"successor_ids": [u.id for u in successors]})
    # The former wards come after today's units wherever units are listed flat (pickers, feeds), in their
    # districts' order; under each district the tree keeps them in the same order.
    first = 3000
    for district, wards in OLD_WARDS.items():
        for order, (code, name, into) in enumerate(wards, start=first):
            ward = put(code, name=name, kind="ward", parent_id=by_code[district].id, valid_to=DISTRICTS_END,
                       sort_order=order)
            services.update_unit(ward, {"successor_ids": [new_by_name[n].id for n in into]})
        first += len(wards)
    db.session.commit()
    return {"created": created, "total": len(by_code)}


# ---- demo people and rooms (fictitious names) ----------------------------------------------------------------

LEADERS = [
    ("Nguyễn Văn Minh", "Chủ tịch UBND Thành phố", "chairman", 1),
    ("Trần Thị Lan", "Phó Chủ tịch Thường trực UBND Thành phố", "standing_vice_chairman", 2),
    ("Lê Quang Huy", "Phó Chủ tịch UBND Thành phố", "vice_chairman", 3),
    ("Phạm Thu Hà", "Phó Chủ tịch UBND Thành phố", "vice_chairman", 4),
    ("Hoàng Đức Thắng", "Phó Chủ tịch UBND Thành phố", "vice_chairman", 5),
    ("Vũ Ngọc Anh", "Phó Chủ tịch UBND Thành phố", "vice_chairman", 6),
    ("Đặng Văn Tùng", "Phó Chủ tịch UBND Thành phố", "vice_chairman", 7),
]
HEADS = [
    ("VP-UBND", "Bùi Thị Hạnh", "Chánh Văn phòng UBND Thành phố"),
    ("SO-NV-2025", "Đỗ Minh Khoa", "Giám đốc Sở Nội vụ"),
    ("SO-TP", "Ngô Thị Mai", "Giám đốc Sở Tư pháp"),
    ("SO-TC-2025", "Phan Văn Long", "Giám đốc Sở Tài chính"),
    ("SO-CT", "Trịnh Thị Thu", "Giám đốc Sở Công Thương"),
    ("SO-NNMT", "Lý Văn Hùng", "Giám đốc Sở Nông nghiệp và Môi trường"),
    ("SO-XD-2025", "Đinh Quốc Bảo", "Giám đốc Sở Xây dựng"),
    ("SO-KHCN-2025", "Mai Thanh Sơn", "Giám đốc Sở Khoa học và Công nghệ"),
    ("SO-VHTT", "Cao Thị Yến", "Giám đốc Sở Văn hóa và Thể thao"),
    ("SO-DL", "Tạ Văn Phúc", "Giám đốc Sở Du lịch"),
    ("SO-GDDT", "Hà Thị Nga", "Giám đốc Sở Giáo dục và Đào tạo"),
    ("SO-YT", "Dương Văn Tài", "Giám đốc Sở Y tế"),
    ("SO-QHKT", "Lưu Minh Tuấn", "Giám đốc Sở Quy hoạch - Kiến trúc"),
    ("SO-DTTG", "Kiều Văn Sáng", "Giám đốc Sở Dân tộc và Tôn giáo"),
    ("TTR-TP", "Lâm Thị Hoa", "Chánh Thanh tra Thành phố"),
]
ROOMS = [
    ("Phòng họp số 1", "Trụ sở UBND Thành phố, 12 Lê Lai, tầng 2", 120,
     ["Hệ thống hội nghị truyền hình", "Máy chiếu", "Micro có dây", "Màn hình LED"], True),
    ("Phòng họp số 2", "Trụ sở UBND Thành phố, 12 Lê Lai, tầng 3", 60,
     ["Hệ thống hội nghị truyền hình", "Máy chiếu", "Micro có dây"], True),
    ("Phòng họp số 3", "Trụ sở UBND Thành phố, 12 Lê Lai, tầng 3", 30, ["Màn hình", "Micro có dây"], True),
    ("Phòng giao ban", "Trụ sở UBND Thành phố, 79 Đinh Tiên Hoàng, tầng 2", 25, ["Màn hình", "Bảng trắng"], True),
    ("Hội trường lớn", "Trụ sở UBND Thành phố, 18B Lê Thánh Tông", 300,
     ["Hệ thống âm thanh", "Màn hình LED", "Hệ thống hội nghị truyền hình", "Phiên dịch"], True),
    ("Phòng tiếp công dân", "Trụ sở Tiếp công dân Thành phố, 1 Ngô Quyền", 20, ["Micro", "Camera"], False),
]
EMAIL_DOMAIN = "vpub.demo.vn"


def _email(name: str) -> str:
    from meetingsvc.core.text import fold

    parts = fold(name).split()
    return f"{parts[-1]}.{''.join(p[0] for p in parts[:-1])}@{EMAIL_DOMAIN}"


def load_demo_people_and_rooms() -> dict:
    """The Chairman, Standing Vice Chairman and Vice Chairmen (ranked), heads of the current departments and 6
    rooms. Fictitious names. Needs load_hanoi_units() first. Idempotent by e-mail and room name; commits.
    """
    by_code = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    people = {p.email: p for p in db.session.scalars(sa.select(Person).where(Person.email.is_not(None)))}
    created = {"people": 0, "rooms": 0}
    office = by_code.get("VP-UBND") or by_code.get(CITY[0])
    city = by_code.get(CITY[0])
    for name, title, role, rank in LEADERS:
        email = _email(name)
        if email not in people:
            people[email] = services.create_person({
                "full_name": name, "title": title, "unit_id": city.id if city else None, "email": email,
                "phone": f"024 3825 {3500 + rank:04d}", "is_leader": True, "leader_role": role, "leader_rank": rank})
            created["people"] += 1
    for code, name, title in HEADS:
        email = _email(name)
        unit = by_code.get(code) or office
        if email not in people:
            people[email] = services.create_person({"full_name": name, "title": title,
                                                    "unit_id": unit.id if unit else None, "email": email})
            created["people"] += 1
    existing_rooms = {r.name for r in db.session.scalars(sa.select(Room))}
    for name, building, capacity, equipment, bookable in ROOMS:
        if name not in existing_rooms:
            services.create_room({"name": name, "building": building, "capacity": capacity, "equipment": equipment,
                                  "is_bookable": bookable})
            created["rooms"] += 1
    db.session.commit()
    return created


def leaders_in_rank_order() -> list[Person]:
    """The demo leaders as created (for the demo loader to chair meetings)."""
    return services.active_people(leaders_only=True)
