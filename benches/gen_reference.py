#!/usr/bin/env python3
"""Generates a population reference extract and a vaccination export that
refers to it, with known disagreements, for benchmarking
`lamsach check export.csv --reference dan-cu.csv`.

    python3 benches/gen_reference.py --people 1000000 --rows 1000000 --out /tmp/lamsach-bench

writes OUT/dan-cu.csv (one row per person) and OUT/tiem-chung.csv (one row
per dose). Deterministic for a given --seed. Counts of each injected problem
are printed (and written to OUT/truth.json).
"""
import argparse
import json
import os
import random
import unicodedata

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
          ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
          ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Ma", 1), ("Nông", 1), ("Triệu", 1), ("Quan", 1)]
MIDDLE_M = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Công", "Xuân", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Thùy", "Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Nam", "Tuấn", "Minh", "Sơn", "Hải", "Long", "Quân", "Thắng", "Bình",
           "Cường", "Đạt", "Hiếu", "Khánh", "Lực", "Phúc", "Tùng", "Việt", "Vinh", "Huy", "Trung"]
GIVEN_F = ["Lan", "Hoa", "Mai", "Hương", "Hằng", "Ánh", "Anh", "Linh", "Trang", "Thảo", "Hà",
           "Ngọc", "Nhung", "Phương", "Dung", "Yến", "Huyền", "Oanh", "Thủy", "Vân", "Loan", "Giang"]
PROVINCES = ["001", "008", "022", "026", "031", "038", "040", "046", "048", "051", "058", "079", "092"]
DISTRICTS = ["Chiêm Hóa", "Na Hang", "Lâm Bình", "Hàm Yên", "Yên Sơn", "Sơn Dương", "Tuyên Quang"]
VACCINES = ["AstraZeneca", "Pfizer", "Moderna", "Vero Cell", "Sputnik V"]

# share of export rows receiving each problem (the rest are faithful copies)
PROBLEMS = [
    ("not_found", 0.03), ("no_id", 0.01), ("no_accents", 0.03), ("accent_differs", 0.01),
    ("word_order", 0.005), ("typo", 0.01), ("part_missing", 0.005), ("different_person", 0.01),
    ("dob_swapped", 0.01), ("dob_year_only", 0.01), ("dob_near", 0.01), ("dob_differs", 0.01),
    ("sex_differs", 0.01),
]


def strip_accents(s):
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def dmy(y, m, d):
    return f"{d:02d}/{m:02d}/{y}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", default="/tmp/lamsach-bench")
    ap.add_argument("--seed", type=int, default=6)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    fam_names = [f for f, _ in FAMILY]
    fam_w = [w for _, w in FAMILY]

    people = []  # (id, name, y, m, d, female, death)
    seen = set()
    with open(os.path.join(a.out, "dan-cu.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Nơi thường trú,Ngày mất\n")
        for i in range(a.people):
            female = rnd.random() < 0.5
            y = rnd.randint(1930, 2022)
            m = rnd.randint(1, 12)
            d = rnd.randint(1, 28)
            digit = (0 if y < 2000 else 2) + (1 if female else 0)
            while True:
                pid = f"{rnd.choice(PROVINCES)}{digit}{y % 100:02d}{rnd.randint(0, 999_999):06d}"
                if pid not in seen:
                    seen.add(pid)
                    break
            name = " ".join([
                rnd.choices(fam_names, fam_w)[0],
                rnd.choice(MIDDLE_F if female else MIDDLE_M),
                rnd.choice(GIVEN_F if female else GIVEN_M),
            ])
            death = ""
            if y < 1960 and rnd.random() < 0.1:
                death = dmy(rnd.randint(2019, 2023), rnd.randint(1, 12), rnd.randint(1, 28))
            people.append((pid, name, y, m, d, female, death))
            dob = str(y) if y < 1940 and rnd.random() < 0.3 else dmy(y, m, d)
            f.write(f"{pid},{name},{dob},{'Nữ' if female else 'Nam'},{rnd.choice(DISTRICTS)},{death}\n")

    truth = {k: 0 for k, _ in PROBLEMS}
    cuts = []
    acc = 0.0
    for k, p in PROBLEMS:
        acc += p
        cuts.append((acc, k))
    with open(os.path.join(a.out, "tiem-chung.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Cơ sở tiêm,Vắc xin,Mũi,Ngày tiêm\n")
        for i in range(a.rows):
            pid, name, y, m, d, female, death = people[rnd.randrange(len(people))]
            dob = dmy(y, m, d)
            sex = "Nữ" if female else "Nam"
            r = rnd.random()
            kind = next((k for c, k in cuts if r < c), None)
            if kind:
                truth[kind] += 1
            words = name.split(" ")
            if kind == "not_found":
                pid = pid[:6] + f"{(int(pid[6:]) + 500_000) % 1_000_000:06d}"
                if pid in seen:
                    truth[kind] -= 1
            elif kind == "no_id":
                pid = ""
            elif kind == "no_accents":
                name = strip_accents(name).upper()
            elif kind == "accent_differs":
                name = " ".join(words[:-1] + [strip_accents(words[-1]) if strip_accents(words[-1]) != words[-1] else words[-1] + "̀"])
                name = unicodedata.normalize("NFC", name)
            elif kind == "word_order":
                name = " ".join(words[-1:] + words[:-1])
            elif kind == "typo":
                w = words[0]
                name = " ".join([w[:-1] + w[-1] * 2] + words[1:])
            elif kind == "part_missing":
                name = " ".join([words[0], words[-1]])
            elif kind == "different_person":
                name = " ".join([rnd.choice(["Lò", "Bế", "Hà", "Tô"]), "Văn", "Tú"])
            elif kind == "dob_swapped" and d <= 12 and d != m:
                dob = dmy(y, d, m)
            elif kind == "dob_year_only":
                dob = str(y)
            elif kind == "dob_near":
                dob = dmy(y, m, d + 1 if d < 28 else d - 1)
            elif kind == "dob_differs":
                dob = dmy(y + 1, m, d)
            elif kind == "sex_differs":
                sex = "Nam" if female else "Nữ"
            vdate = dmy(rnd.randint(2021, 2022), rnd.randint(1, 12), rnd.randint(1, 28))
            phone = f"09{rnd.randint(0, 99_999_999):08d}"
            district = rnd.choice(DISTRICTS)
            f.write(f"{i + 1},{name},{dob},{sex},{pid},{phone},{district},Xã {rnd.randint(1, 20)},"
                    f"TYT {district},{rnd.choice(VACCINES)},{rnd.randint(1, 3)},{vdate}\n")
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    print(json.dumps(truth))


if __name__ == "__main__":
    main()
