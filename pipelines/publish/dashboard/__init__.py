"""The leadership dashboard (领导驾驶舱): one self-contained HTML file in Chinese built from a
release's published marts (plotly.js embedded once), plus a PNG per panel and one PDF for
printing when a Chromium is available.

- data.py    what is read from the release, and the figures derived from it
- panels.py  one function per panel (ranking, scorecards, air, water, data quality)
- static.py  PNG/PDF export through kaleido and a headless Chromium
- page.py    the HTML page and build_dashboard()
- asof.py    a dashboard as of a date, computed in scratch folders (ecoscore dashboard)"""

from pipelines.publish.dashboard.page import DashboardResult, build_dashboard

__all__ = ["DashboardResult", "build_dashboard"]
