"""Writers for what patients take away: PDFs (WeasyPrint) and ZIPs."""
