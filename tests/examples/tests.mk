# The README's example program: built by the test below with pkg-config
# against a staged install (host), and as a VM program to run on the card.
HOST_SCRIPTS += tests/examples/hello_pkgconfig_test.sh
VM_TESTS += hello
hello_SRCS := examples/hello.c
hello_LIBS = $(RUNTIME_LIBS)
$(eval $(call runtime_prog,hello))
