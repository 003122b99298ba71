module sbomhunt/oracle/tarlist

go 1.19
