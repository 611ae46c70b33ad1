"""`python -m intercept_viewer` is the same as the `intercept-viewer` command."""

from intercept_viewer.launch import main

if __name__ == "__main__":
    main()
