"""Pages that only read figures: dashboards of the province, zone kinds and zones, the enterprise table
and page, organizations."""
