console.log("crewship ui");
