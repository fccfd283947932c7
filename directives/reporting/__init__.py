"""Reporting for clerks: the dashboard's figures, Excel/CSV exports and imports, printable summaries."""
