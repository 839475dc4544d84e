"""CSV import (participants, placements, mentors) with a preview, and CSV export."""
