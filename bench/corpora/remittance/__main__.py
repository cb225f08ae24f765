from bench.corpora.remittance import main

raise SystemExit(main())
