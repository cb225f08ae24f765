"""One rendering toolkit for every report, statement, e-mail and dashboard.

Why one place: a money amount, a ratio and a date must read the same in a CSV, a workbook, a PDF,
an e-mail and a dashboard tile, and a fix to spreadsheet safety must be made once.
"""
