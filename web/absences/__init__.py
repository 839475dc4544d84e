"""Reporting absences: mentors (by themselves, consultants or employers) and participants."""
