"""Made-up Vietnamese company names for the demo's enterprises: plausible ("Công ty CP Cơ khí An
Phát"), one per tax code, the same on every run (computed from the tax code, nothing random), and
never two alike. They are illustrative: no name belongs to a real enterprise on purpose."""

FORMS = ("Công ty TNHH", "Công ty CP", "Công ty TNHH MTV")
SECTORS = (
    "Cơ khí",
    "May mặc",
    "Xây dựng",
    "Thương mại",
    "Vận tải",
    "Chế biến nông sản",
    "Khoáng sản",
    "Hóa chất",
    "Điện tử",
    "Vật liệu xây dựng",
    "Logistics",
    "Thực phẩm",
    "Dược phẩm",
    "Chế biến gỗ",
    "Phân bón",
    "Xuất nhập khẩu",
    "Bao bì",
    "Năng lượng",
    "Nhựa",
    "Thép",
)
BRANDS = (
    "An Phát",
    "Bình Minh",
    "Hòa Bình",
    "Minh Phát",
    "Thành Đạt",
    "Hưng Thịnh",
    "Phú Cường",
    "Tân Tiến",
    "Đại Phát",
    "Việt Hưng",
    "Thịnh Vượng",
    "Hoàng Long",
    "Kim Sơn",
    "Phúc An",
    "Quang Minh",
    "Sơn Hà",
    "Tiến Thành",
    "Trường An",
    "Vạn Xuân",
    "Xuân Thành",
    "Ánh Dương",
    "Bảo Ngọc",
    "Cát Tường",
    "Đông Á",
    "Gia Phú",
    "Hải Đăng",
    "Hồng Hà",
    "Lạc Hồng",
    "Ngọc Lan",
    "Phú Thịnh",
    "An Khang",
    "Thái Hòa",
    "Đức Thành",
    "Hợp Nhất",
    "Mường Khương",
    "Bắc Hà",
    "Sa Pa Xanh",
    "Văn Bàn",
    "Phố Lu",
    "Cốc Lếu",
)
SPREAD = 337  # prime to len(SECTORS) * len(BRANDS): neighbours get different sectors and brands


def company_name(tax_code: str, blocks: list[tuple[str, int]]) -> str:
    """The name of the enterprise with ``tax_code``, "53" + a block's two digits + its number in
    the block (from 1); ``blocks`` lists every block's four-digit prefix and size, so that each tax
    code gets its own place among all of the demo's."""
    index = 0
    for prefix, size in blocks:
        number = int(tax_code[len(prefix) :])
        if tax_code.startswith(prefix) and 1 <= number <= size:
            index += number - 1
            break
        index += size
    else:
        raise ValueError(f"{tax_code} is in none of the demo's blocks")
    count = len(SECTORS) * len(BRANDS)
    assert sum(size for _prefix, size in blocks) <= count, "more enterprises than names"
    spread = index * SPREAD % count
    sector, brand = SECTORS[spread // len(BRANDS)], BRANDS[spread % len(BRANDS)]
    return f"{FORMS[index % len(FORMS)]} {sector} {brand}"
