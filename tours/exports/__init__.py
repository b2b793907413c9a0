"""Office files out: the Word report and booklet, the Excel ledger and roster, the calendar."""
