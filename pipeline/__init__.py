"""handbook: rescue a damaged ML interview handbook, publish it as a site and Anki decks."""
