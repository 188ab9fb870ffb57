"""Read a workbook's first sheet with pandas (openpyxl), nothing else.

The peer of listscrub in `make bench-xlsx`: what a user would otherwise
reach for, doing less than listscrub (no normalization, no lookup, no
output). Prints the number of data rows read.
"""
import sys

import pandas

df = pandas.read_excel(sys.argv[1], engine="openpyxl")
print(len(df))
