"""What the province files and receives: the coverage report, its CSV, XLSX and PDF, the reports page,
scheduled e-mailed reports."""
