"""Data entry pages that read the engine: the editor's start page, the period grid, the data-quality
page."""
