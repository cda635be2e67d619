"""Jobs: runs that change the archive (reindexing; fetching from portals)."""
