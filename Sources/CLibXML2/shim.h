#ifndef PUSHCAST_CLIBXML2_SHIM_H
#define PUSHCAST_CLIBXML2_SHIM_H

/* libxml2 for Swift. xmlversion.h comes first so that LIBXML_ICU_ENABLED can be
 * undefined before any other libxml2 header pulls in ICU: Foundation carries its own
 * ICU, and a clean build of a module importing both fails on UErrorCode otherwise. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

/* xmlFree is a global function-pointer variable, which Swift 6 refuses to touch. */
static inline void pushcast_xmlFree(void *pointer) {
    xmlFree(pointer);
}

/* An external entity loader that loads nothing: no DTD, no entity, no network, no file. */
static inline xmlParserInputPtr pushcast_denyEntityLoader(const char *url, const char *identifier,
                                                          xmlParserCtxtPtr context) {
    (void)url; (void)identifier; (void)context;
    return NULL;
}

/* Installs pushcast_denyEntityLoader for the whole process. */
static inline void pushcast_installDenyAllEntityLoader(void) {
    xmlSetExternalEntityLoader(pushcast_denyEntityLoader);
}

/* libxml2 writes some errors (encoding conversion, I/O) straight to stderr through its
 * generic error handler, beside the structured errors the parser reports to us. These go
 * nowhere: every problem reaches the user as a diagnostic instead. Set for this thread and
 * as the default of threads that first touch libxml2 later. */
static void pushcast_ignoreGenericError(void *context, const char *message, ...) {
    (void)context; (void)message;
}

static inline void pushcast_silenceGenericErrors(void) {
    xmlThrDefSetGenericErrorFunc(NULL, pushcast_ignoreGenericError);
    xmlSetGenericErrorFunc(NULL, pushcast_ignoreGenericError);
}

#endif
