"""Service manifests: the model, the YAML loader with a source map, discovery."""
