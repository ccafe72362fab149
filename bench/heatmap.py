"""The labelled matplotlib heatmap both baselines draw: one figure per head, about the pixel size
attnviz writes, with token tick labels, a colour bar and a title."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def save_heatmap(weights, tokens, title, path):
    n = len(tokens)
    side = 12 if n < 50 else 24  # inches at 100 dpi: about the pixels attnviz writes
    fig, ax = plt.subplots(figsize=(side + 1.5, side))
    image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(n), tokens, rotation=90)
    ax.set_yticks(range(n), tokens)
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="attention weight")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
