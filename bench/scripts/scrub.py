#!/usr/bin/python3
"""The script an analyst writes: keep the rows of a ';' prospect file none of
whose phone numbers is in the do-not-call list, numbers compared as E.164 by
phonenumbers (Debian's python3-phonenumbers).

usage: scrub.py bloctel.txt prospects.csv clean.csv
"""
import csv
import sys

import phonenumbers


def norm(s):
    s = s.strip()
    if not s:
        return None
    try:
        p = phonenumbers.parse(s, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(p):
        return None
    return phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.E164)


def main():
    reg_path, in_path, out_path = sys.argv[1:4]
    dnc = set()
    with open(reg_path, encoding="utf-8") as f:
        for line in f:
            k = norm(line)
            if k:
                dnc.add(k)
    kept = 0
    with open(in_path, newline="", encoding="utf-8") as f, open(out_path, "w", newline="", encoding="utf-8") as o:
        r = csv.reader(f, delimiter=";")
        w = csv.writer(o, delimiter=";", lineterminator="\r\n")
        header = next(r)
        cols = [i for i, h in enumerate(header) if h in ("Tél. fixe", "Portable")]
        w.writerow(header)
        for row in r:
            keys = [norm(row[i]) for i in cols if i < len(row)]
            keys = [k for k in keys if k]
            if keys and not any(k in dnc for k in keys):
                w.writerow(row)
                kept += 1
    print(kept)


main()
