"""The SQL of the library, one module per table group, behind the ``Library`` facade.

``importing`` (storing a parsed transcript), ``transcripts``, ``speakers``, ``utterances``
(pages, outline, search), ``tags`` and ``passages``. Each is a mixin over ``base.StoreBase``;
``core.library.Library`` combines them with opening, configuring and closing the file.
"""
