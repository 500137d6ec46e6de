"""Reading back what the portal wrote, for tests."""

import subprocess


def pdf_text(content: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
