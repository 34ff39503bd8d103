"""Owner repair requests (业主报修, DOMAIN.md A): intake, the board, the technician's steps at the
door, fees handed to the housing officer, invoices, and the uploads (signatures, photos)."""
