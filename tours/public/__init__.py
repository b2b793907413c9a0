"""The public site: read-only pages, feeds and sitemaps, nothing private."""
