"""The domain: meetings, agenda items, decisions and journal numbers, with no IO beyond package data."""
