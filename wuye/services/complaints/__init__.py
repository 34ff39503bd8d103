"""Owner complaints (业主投诉, DOMAIN.md B): intake, classification and validity, the complaint
record, the boards and who may see and act on what."""
