"""Use cases bound to the ledger: one module per capability, each returning a typed result.

Owns what joins the pure engines to storage and files: reading what was known on a date (the
point-in-time reads live in :mod:`~altsleeve.workflows.pit`), calling an engine, writing what it
found back to the ledger, and returning a typed result whose ``to_dict()`` is what the CLI's
``--json`` prints and what the web API serves. One module per capability:

==========================  ===============================================================
module                      use cases
==========================  ===============================================================
``ledger``                  create, verify, status, audit log, export; ingest a file
``marketdata``              load arch's real history into the ledger; register and list series;
                            market paths as known
``samplebook``              write the SYNTHETIC sample book; participant flows
``vehicles``                register, resolve and read vehicle definitions
``fund``                    strike, restrike, diff, limit breaches, exceptions, dilution
``valuation``               value and record, backtest, testing pack, price challenges
``pacing``                  the plan, the calls calendar, the planner's backtest
``liquidity``               the SEC Rule 22e-4 profile
``stress``                  replays and projections of stress scenarios (by month too), the
                            built-in scenarios, buffer sizing
``stress_montecarlo``       the liquidity Monte Carlo
``outcomes``                savers' outcomes Monte Carlo
``performance``             cash flows and index from files or the ledger; perf measures per
                            fund and pooled, the sleeve's time-weighted return
``fees``                    the fee stack gross to net, the break-even
``evidence``                the fiduciary evidence file's payload, and the file written
``demo``                    the whole pipeline on the sample book
==========================  ===============================================================

Must not hold model equations (they belong to the engine packages) and must not print or draw
(that is :mod:`altsleeve.views` and :mod:`altsleeve.cli`).
"""
