#include "mesura/errors.h"

const char *mesura_strerror(int status)
{
	switch (status) {
	case MESURA_OK: return "success";
	case MESURA_ENOMEM: return "out of memory";
	case MESURA_EINVAL: return "invalid argument";
	case MESURA_EVERSION: return "unsupported options version";
	case MESURA_EUTF8: return "invalid UTF-8";
	case MESURA_ESYNTAX: return "policy does not compile";
	case MESURA_EBUFS: return "output buffer too small";
	case MESURA_EBUSY: return "scanner in use by another call";
	case MESURA_ELIMIT: return "limit reached";
	case MESURA_EUSER: return "stopped by callback";
	case MESURA_ECHARSET: return "unknown character set";
	case MESURA_EIO: return "cannot open or read a file";
	default: return "unknown status";
	}
}
