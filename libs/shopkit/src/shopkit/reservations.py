"""The reservation contract between the order service and the inventory: how many lines an
order may have and how many units a line, once lines of the same SKU are merged.

Both services apply the same numbers, so the order service refuses what the inventory would
(a client error), before it reserves anything; standard library only, so a domain may
import it.
"""

MAX_LINES = 100
MAX_LINE_QUANTITY = 1000
