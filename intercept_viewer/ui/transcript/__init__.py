"""The transcript being read: header and flag, turn strip, utterance list, source and speakers."""
