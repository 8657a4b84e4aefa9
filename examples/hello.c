// SPDX-License-Identifier: MIT
/*
 * The smallest libvnpu program: open the default device (a vnpu card, or
 * the CPU backend with VNPU_BACKEND=cpu) and say what it is.
 *
 *   cc hello.c $(pkg-config --cflags --libs libvnpu) -o hello
 */
#include <stdio.h>

#include <vnpu/vnpu.h>

int main(void)
{
	vnpu_device_info info;
	vnpu_device *dev;
	vnpu_status st;

	st = vnpu_init(NULL);
	if (st == VNPU_STATUS_OK)
		st = vnpu_device_open(NULL, NULL, &dev);
	if (st != VNPU_STATUS_OK) {
		fprintf(stderr, "hello: %s: %s\n", vnpu_status_str(st),
			vnpu_last_error());
		return 1;
	}
	st = vnpu_device_info_get(dev, &info);
	if (st == VNPU_STATUS_OK)
		printf("%s (%s)\n", info.name, info.profile);
	vnpu_device_close(dev);
	vnpu_shutdown();
	return st == VNPU_STATUS_OK ? 0 : 1;
}
