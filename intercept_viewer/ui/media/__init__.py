"""The recording beside its transcript (wave 2): playback, waveform, tap-to-time."""
