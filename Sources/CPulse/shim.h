// The asynchronous PulseAudio client API, with its threaded main loop.
#include <pulse/pulseaudio.h>
