"""Sanctions lists: the entry models and one loader per supported file format."""

from screening.lists.loading import bundled_list, load_list
from screening.lists.models import Alias, ListEntry, Watchlist

__all__ = ["Alias", "ListEntry", "Watchlist", "bundled_list", "load_list"]
