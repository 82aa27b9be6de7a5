"""Case search as people type: the search index kept with each case, and the ranked, highlighted search."""
