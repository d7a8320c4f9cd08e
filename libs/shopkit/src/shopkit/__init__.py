"""shopkit: the parts every shopstack service shares."""
