"""Domain signals: how the writing apps tell the reading one that figures changed, without importing it.

Model signals (post_save, post_delete) cover single saves; bulk writes (the period grid, imports,
data loads) send ``figures_changed`` inside their transaction instead.
"""

from django.dispatch import Signal

# zone_ids: the zones whose figures changed (None: enterprises outside every zone); years: the years
# whose returns changed; since_year: also every later year (a founding or closing date moved).
figures_changed = Signal()
