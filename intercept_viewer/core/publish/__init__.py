"""Publishing the library into the tools teams already run (issue 20); no server of our own.

* ``ftm`` — FollowTheMoney entities (Call, the text as a document, Audio/Video, Article, a
  Person per speaker, a Note per passage and one for the verification status), stable ids;
* ``aleph`` — push those entities and the media files to an Aleph/OpenAleph collection with
  ``alephclient``;
* ``datasette`` — a read-only SQLite copy with readable tables, full-text search over word
  forms and a ``metadata.json`` for Datasette.

The verification status travels with the text in all three.
"""
