"""PDF rendering (audit report, access report, explanation letter). Built by the reports issue."""
