"""Foundation shared by every layer: plain JSON values, TOML files, progress callbacks, Dask.

Owns :mod:`~altsleeve.common.jsonvalues` (the one JSON conversion),
:mod:`~altsleeve.common.tomlfile`
(reading and validating TOML inputs), :mod:`~altsleeve.common.progress` (the progress callback
type) and :mod:`~altsleeve.common.scaleout` (a Dask client: local cluster or a scheduler address).
Must not import any other altsleeve package except :mod:`altsleeve.errors` and
:mod:`altsleeve.domain`: everything else stands on it.
"""
