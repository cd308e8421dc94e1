"""Spreadsheet exports (issue 6): ranking workbook, score sheet, recommendation list.

Each reads snapshots (never recomputes) and streams rows through openpyxl's write-only mode.
`services` starts them as background jobs; the `export_*` commands write them directly.
"""
