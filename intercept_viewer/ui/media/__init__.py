"""The recording beside its transcript: player, video dock, waveform, follow, tap to time.

``install_media(window)`` (``ui.media.install``) wires it all into the main window.
"""
