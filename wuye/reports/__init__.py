"""/reports/: the figures for management review (管理评审) — page, charts, exports, A4 print."""
