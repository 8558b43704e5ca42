"""Every threshold the segmenter uses, in one place.

A split needs real evidence: a banner, an attribution, or several recognised
header fields together. The numbers below say how much; the false-positive
tests in ``tests/test_segment_false_positives.py`` pin them.
"""

from __future__ import annotations

# A header block with no banner above it must hold a From field and at least
# this many other evidence fields (Date/Sent, To, Cc, Subject, Reply-To).
MIN_FIELDS_WITHOUT_BANNER = 2
# Right below a banner, any one recognised field (From included) is enough.
MIN_FIELDS_AFTER_BANNER = 1
# Right below an Outlook rule ("____"), a From field and this many others.
MIN_FIELDS_AFTER_RULE = 1
# A flattened header block (fields on one line) with no banner before it
# needs a From label and this many other evidence labels on the line.
MIN_FLATTENED_FIELDS_WITHOUT_BANNER = 2

# A block of ">" lines with no attribution above it becomes a quoted message
# only when it has at least this many lines (quotequail: one line is not a quote).
MIN_QUOTE_LINES_WITHOUT_ATTRIBUTION = 2

# Bounded lookahead, in lines.
MAX_HEADER_LINES = 24  # lines a line-based header block may span
MAX_BLANKS_IN_HEADER = 3  # blank lines tolerated between two fields (Outlook web)
MAX_CONTINUATION_LINES = 3  # wrapped lines of one header value
MAX_BLANKS_AFTER_BANNER = 4  # blank lines between a banner and its header block
MAX_BLANKS_AFTER_RULE = 2  # blank lines between an Outlook rule and its header block
MAX_BLANKS_AFTER_ATTRIBUTION = 6  # blank lines between an attribution and its quote
MAX_ATTRIBUTION_LINES = 3  # an attribution wrapped over up to this many lines
MAX_LOTUS_LOOKAHEAD = 3  # lines between a Lotus "Name on DATE" line and its To field

# Length bounds, in characters.
MAX_ATTRIBUTION_LENGTH = 400  # longer lines are prose, not attributions
MAX_LABEL_LINE_LENGTH = 20_000  # header lines longer than this are read only this far
MAX_HEADER_VALUE_LENGTH = 10_000  # a header value is cut to this before address parsing
MAX_NAME_LENGTH = 120  # a From value without "@" longer than this is not a name
MAX_NAME_WORDS = 8  # nor one of more words than this

# Recursion: embedded messages deeper than this are left inside their parent
# (with a defect), so thousands of ">" levels stay linear.
MAX_DEPTH = 64

# Sign-offs: a short last line ending this many messages of one tree is a signature.
MIN_REPEATED_SIGNOFFS = 2
# Text dumps: a header block after this many blank lines starts a new pasted email.
MIN_BLANKS_BEFORE_DUMP_PART = 2

# Signatures.
MAX_SIGNATURE_LINES = 12  # a "-- " block longer than this is not a signature
MAX_SIGNOFF_LENGTH = 24  # a closing sign-off line ("ksjp", "Roberto") at most this long
MAX_SIGNOFF_WORDS = 3

# Confidence given to each kind of evidence (derivation.confidence).
CONFIDENCE_BANNER = 0.95
CONFIDENCE_HEADER_BLOCK = 0.85
CONFIDENCE_ATTRIBUTION = 0.9
CONFIDENCE_QUOTE_ONLY = 0.6
CONFIDENCE_HTML_CONTAINER = 0.95
