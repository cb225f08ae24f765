"""One module per dashboard; each exposes `build(ctx: Context) -> Page`."""
