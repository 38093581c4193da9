from por.cli import main

main()
