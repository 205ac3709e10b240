COPY {temp} ({columns}) FROM STDIN;
