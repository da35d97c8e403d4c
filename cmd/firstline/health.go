package main

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/kb"
)

// pingTimeout bounds the store's answer to a readiness check.
const pingTimeout = 2 * time.Second

// Readiness checks, as /readyz names what is missing.
const (
	checkStore         = "store"
	checkKnowledgeBase = "knowledge_base"
)

// healthRoutes adds the health checks. /healthz says the process serves
// HTTP, whatever the database does: a liveness probe that restarts the
// process on its failure must not restart every replica during a database
// outage. /readyz says whether this replica can do its work: the store
// answers and a knowledge base is loaded; a load balancer sends it
// traffic only then.
func healthRoutes(r *gin.Engine, store dialog.Store, holder *kb.Holder) {
	r.GET("/healthz", func(ctx *gin.Context) {
		ctx.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.GET("/readyz", func(ctx *gin.Context) {
		missing := []string{}
		pctx, cancel := context.WithTimeout(ctx.Request.Context(), pingTimeout)
		defer cancel()
		if err := store.Ping(pctx); err != nil {
			missing = append(missing, checkStore)
		}
		k, release := holder.Acquire()
		release()
		if k == nil {
			missing = append(missing, checkKnowledgeBase)
		}
		if len(missing) > 0 {
			ctx.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "missing": missing})
			return
		}
		ctx.JSON(http.StatusOK, gin.H{"status": "ready"})
	})
}
